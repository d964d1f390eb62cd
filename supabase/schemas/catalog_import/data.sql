-- Rows the catalog import needs: its pipeline.

insert into private.pipelines (name, description, schedule) values
  ('catalog-import', 'Imports a catalog source file (brands, fragrances, notes, accords, perfumers) with merge, review and lineage; one run per file.', 'npm run catalog:import, or POST /functions/v1/import-catalog')
on conflict do nothing;
