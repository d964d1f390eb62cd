-- Rows the catalog's schema needs: currencies, olfactive families, the
-- data-quality checks, and the nightly data-quality job. `supabase db diff`
-- does not see rows: a change here goes into its migration by hand (the
-- schema-equality test in npm test fails until it does).

insert into public.currencies (code, name, minor_units) values
  ('EUR', 'Euro', 2), ('USD', 'US dollar', 2), ('GBP', 'Pound sterling', 2), ('CHF', 'Swiss franc', 2),
  ('SEK', 'Swedish krona', 2), ('PLN', 'Polish zloty', 2), ('CAD', 'Canadian dollar', 2),
  ('AUD', 'Australian dollar', 2), ('JPY', 'Japanese yen', 0), ('AED', 'UAE dirham', 2)
on conflict do nothing;

insert into public.olfactive_families (slug, name, description) values
  ('citrus', 'Citrus', 'Bright hesperidic notes: bergamot, lemon, orange, grapefruit.'),
  ('aromatic', 'Aromatic', 'Herbs and lavender; the backbone of many masculine fresh scents.'),
  ('aromatic-fougere', 'Aromatic Fougère', 'Lavender, coumarin and oakmoss, often modernized with ambroxan.'),
  ('floral', 'Floral', 'Flowers first: rose, jasmine, tuberose, iris.'),
  ('floral-fruity', 'Floral Fruity', 'Flowers with juicy fruit accents.'),
  ('amber', 'Amber', 'Warm resins, vanilla and spices (formerly "oriental").'),
  ('amber-floral', 'Amber Floral', 'Flowers over a warm ambery base.'),
  ('amber-spicy', 'Amber Spicy', 'Warm amber with pronounced spices.'),
  ('amber-woody', 'Amber Woody', 'Amber and woods, often with oud or incense.'),
  ('woody', 'Woody', 'Cedar, sandalwood, vetiver, patchouli.'),
  ('woody-aromatic', 'Woody Aromatic', 'Woods with herbs and fresh spices.'),
  ('chypre', 'Chypre', 'Citrus over a mossy, patchouli base.'),
  ('chypre-floral', 'Chypre Floral', 'A chypre structure with a floral heart.'),
  ('gourmand', 'Gourmand', 'Edible notes: vanilla, caramel, praline, coffee.'),
  ('aquatic', 'Aquatic', 'Marine, ozonic and watery notes.'),
  ('leather', 'Leather', 'Leather, suede and birch tar.'),
  ('green', 'Green', 'Cut grass, leaves, galbanum.')
on conflict do nothing;

insert into private.data_quality_checks (name, category, severity, description) values
  ('fragrance_without_notes', 'completeness', 'warn', 'A live fragrance has no note pyramid.'),
  ('fragrance_without_variants', 'completeness', 'warn', 'A live fragrance has no variant, so no offer can match it.'),
  ('fragrance_without_family', 'completeness', 'info', 'A live fragrance has no olfactive family.'),
  ('fragrance_without_description', 'completeness', 'info', 'A live fragrance has no description.'),
  ('fragrance_near_duplicate', 'uniqueness', 'warn', 'Two live fragrances of a brand and concentration differ only in spacing ("Light Blue" / "LightBlue").'),
  ('gtin_on_several_variants', 'uniqueness', 'error', 'Listings with one GTIN are matched to different variants.'),
  ('brand_alias_is_other_brand', 'uniqueness', 'error', 'An alias of one brand is the name of another brand.'),
  ('fragrance_alias_names_nothing', 'validity', 'warn', 'A fragrance alias names no live fragrance of its brand.'),
  ('variant_size_implausible', 'validity', 'warn', 'A variant is over 1000 ml, or a full-size (retail/tester) bottle under 1 ml.'),
  ('listing_gtin_differs_from_variant', 'validity', 'error', 'A matched listing''s GTIN is not its variant''s GTIN.'),
  ('listing_matched_low_confidence', 'validity', 'warn', 'A listing matched by attributes with confidence under 0.85.'),
  ('listing_matched_to_deleted_fragrance', 'integrity', 'error', 'A matched listing points at a variant of a soft-deleted fragrance.'),
  ('variant_of_deleted_fragrance_on_sale', 'integrity', 'warn', 'A soft-deleted fragrance still has active matched listings.'),
  ('note_without_parent', 'completeness', 'warn', 'A note outside the vocabulary: unclassified family and no parent note (a catalog import made it; give it a family or a parent).'),
  ('fragrance_launch_year_implausible', 'validity', 'warn', 'A live fragrance launched before 1850 or after next year.')
on conflict do nothing;

insert into private.pipelines (name, description, schedule) values
  ('data-quality', 'Runs every catalog data-quality check and stores the results.', 'pg_cron catalog-data-quality, daily 03:17')
on conflict do nothing;

select cron.schedule('catalog-data-quality', '17 3 * * *', $$select private.run_pipeline('data-quality', 'private.run_data_quality_checks')$$);
