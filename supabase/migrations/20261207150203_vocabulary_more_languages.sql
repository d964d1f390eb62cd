-- More of how shops write what is not a fragrance's name (issue 19): "L'Eau de Parfum" and "L'Eau de Toilette",
-- and the commonest concentration, gender, packaging and filler words of Polish, Portuguese, Czech, Slovak, Romanian
-- and Scandinavian shops, and line names that are not a fragrance's ("Blu Mediterraneo", "Hermessence")
-- (catalog/vocabulary_words.sql). Rows only: the title parser reloads the vocabulary within
-- minutes, and search reads it at once.

insert into public.name_vocabulary (kind, language, phrase, concentration)
select 'concentration', language, phrase, concentration::public.concentration from (values
  ('edp', 'fr', 'L''Eau de Parfum'),
  ('edt', 'fr', 'L''Eau de Toilette'),
  ('edp', 'pl', 'Woda Perfumowana'),
  ('edt', 'pl', 'Woda Toaletowa'),
  ('edc', 'pl', 'Woda Kolońska'),
  ('edp', 'cs', 'Parfémovaná Voda'),
  ('edt', 'cs', 'Toaletní Voda'),
  ('edc', 'cs', 'Kolínská Voda'),
  ('edp', 'sk', 'Parfumovaná Voda'),
  ('edt', 'sk', 'Toaletná Voda'),
  ('edp', 'ro', 'Apă de Parfum'),
  ('edt', 'ro', 'Apă de Toaletă'),
  ('edc', 'ro', 'Apă de Colonie')
) as w (concentration, language, phrase)
on conflict (phrase_normalized) do nothing;

insert into public.name_vocabulary (kind, language, phrase, concentration)
select 'genre', language, phrase, concentration::public.concentration from (values
  ('pl', 'Perfumy', null),
  ('pl', 'Perfum', null),
  ('pt', 'Perfume Importado', null),
  ('sv', 'Parfym', null),
  ('cs', 'Parfém', null),
  ('cs', 'Parfémy', null)
) as w (language, phrase, concentration)
on conflict (phrase_normalized) do nothing;

insert into public.name_vocabulary (kind, language, phrase, packaging)
select 'packaging', language, phrase, packaging::public.packaging from (values
  ('sample', 'pl', 'Próbka'),
  ('sample', 'pt', 'Amostra'),
  ('sample', 'cs', 'Vzorek'),
  ('sample', 'sv', 'Doftprov'),
  ('gift_set', 'pl', 'Zestaw'),
  ('gift_set', 'pl', 'Zestaw Prezentowy'),
  ('gift_set', 'pt', 'Estojo'),
  ('gift_set', 'pt', 'Kit Presente'),
  ('gift_set', 'cs', 'Dárková Sada'),
  ('gift_set', 'sv', 'Presentset'),
  ('gift_set', 'da', 'Gavesæt'),
  ('refill', 'pl', 'Uzupełnienie'),
  ('refill', 'pl', 'Wkład'),
  ('refill', 'pt', 'Refil'),
  ('refill', 'cs', 'Náplň'),
  ('unboxed', 'pl', 'bez Pudełka'),
  ('unboxed', 'pl', 'bez Opakowania'),
  ('unboxed', 'pt', 'sem Caixa'),
  ('unboxed', 'cs', 'bez Krabičky'),
  ('unboxed', 'sv', 'utan Förpackning'),
  ('travel', 'pl', 'Podróżny'),
  ('travel', 'pt', 'Tamanho Viagem'),
  ('refill', 'de', 'Nachfüllungen'),
  ('refill', 'fr', 'Recharges'),
  ('refill', 'it', 'Ricariche'),
  ('refill', 'es', 'Recargas'),
  ('refill', 'nl', 'Navullingen'),
  ('travel', 'en', 'Miniatures'),
  ('travel', 'en', 'Minis'),
  ('travel', 'de', 'Miniaturen'),
  ('tester', 'en', 'Testers'),
  ('sample', 'en', 'Official Sample'),
  ('sample', 'de', 'Proben'),
  ('sample', 'es', 'Muestras'),
  ('sample', 'it', 'Campioni'),
  ('sample', 'it', 'Campioncini'),
  ('sample', 'en', 'Deluxe Sample'),
  ('travel', 'en', 'Deluxe Mini'),
  ('refill', 'de', 'Nachfüllflasche'),
  ('tester', 'de', 'Testerbox')
) as w (packaging, language, phrase)
on conflict (phrase_normalized) do nothing;

insert into public.name_vocabulary (kind, language, phrase, gender)
select 'gender', language, phrase, gender::public.gender from (values
  ('masculine', 'pl', 'dla Mężczyzn'),
  ('masculine', 'pl', 'Męskie'),
  ('masculine', 'pl', 'Męska'),
  ('masculine', 'pl', 'Męski'),
  ('feminine', 'pl', 'dla Kobiet'),
  ('feminine', 'pl', 'Damskie'),
  ('feminine', 'pl', 'Damska'),
  ('feminine', 'pl', 'Damski'),
  ('masculine', 'pt', 'para Homem'),
  ('masculine', 'pt', 'Perfume Masculino'),
  ('feminine', 'pt', 'Feminino'),
  ('feminine', 'pt', 'para Mulher'),
  ('feminine', 'pt', 'Perfume Feminino'),
  ('masculine', 'cs', 'pro Muže'),
  ('masculine', 'cs', 'Pánská'),
  ('masculine', 'cs', 'Pánský'),
  ('feminine', 'cs', 'pro Ženy'),
  ('feminine', 'cs', 'Dámská'),
  ('feminine', 'cs', 'Dámský'),
  ('masculine', 'ro', 'pentru Bărbați'),
  ('feminine', 'ro', 'pentru Femei'),
  ('masculine', 'sv', 'Herr'),
  ('masculine', 'sv', 'för Herr'),
  ('feminine', 'sv', 'för Dam'),
  ('masculine', 'da', 'Herre'),
  ('masculine', 'da', 'til Herre'),
  ('feminine', 'da', 'til Dame'),
  ('unisex', 'pl', 'dla Kobiet i Mężczyzn'),
  ('feminine', 'ro', 'Parfum de Damă'),
  ('masculine', 'ro', 'Parfum de Bărbați')
) as w (gender, language, phrase)
on conflict (phrase_normalized) do nothing;

insert into public.name_vocabulary (kind, language, phrase)
select kind::public.name_word_kind, language, phrase from (values
  ('filler', 'en', '100% Original'),
  ('filler', 'en', 'Original Packaging'),
  ('filler', 'pl', 'Oryginalne'),
  ('filler', 'pl', 'Oryginalny'),
  ('filler', 'pl', 'Nowe'),
  ('filler', 'pl', 'Nowy'),
  ('filler', 'pt', 'Novo'),
  ('filler', 'pt', 'Original Lacrado'),
  ('filler', 'pt', 'Lacrado'),
  ('filler', 'cs', 'Originál'),
  ('filler', 'cs', 'Nový'),
  ('filler', 'sv', 'Sprayflaska'),
  ('filler', 'en', 'Official'),
  ('edition', 'it', 'Blu Mediterraneo'),
  ('edition', 'fr', 'Hermessence'),
  ('edition', 'fr', 'L''Art et la Matière'),
  ('edition', 'fr', 'L''Art & la Matière'),
  ('edition', 'fr', 'Le Vestiaire des Parfums'),
  ('edition', 'fr', 'Armani Privé'),
  ('edition', 'en', 'Royal Essence')
) as w (kind, language, phrase)
on conflict (phrase_normalized) do nothing;
