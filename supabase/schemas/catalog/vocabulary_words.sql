-- The rows of public.name_vocabulary (vocabulary.sql): how shops and shoppers write what is not a
-- fragrance's name, in English, German, French, Italian, Spanish and Dutch, then (last, in their own
-- statements) in Polish, Portuguese, Czech, Slovak, Romanian, Swedish and Danish. One meaning per
-- normalized phrase. A phrase added here reaches the title parser (its vocabulary is reloaded
-- every few minutes) and search at once; `supabase db diff` does not see rows, so a change here
-- goes into its migration by hand (npm test fails until it does).

insert into public.name_vocabulary (kind, language, phrase, concentration)
select 'concentration', language, phrase, concentration::public.concentration from (values
  ('extrait', 'fr', 'Extrait'), ('extrait', 'fr', 'Extrait de Parfum'), ('extrait', 'fr', 'Parfum Extrait'),
  ('extrait', 'en', 'Extrait de Perfume'),
  ('parfum', 'fr', 'Parfum'), ('parfum', 'fr', 'Pure Parfum'), ('parfum', 'en', 'Pure Perfume'),
  ('edp', 'fr', 'Eau de Parfum'), ('edp', null, 'EdP'), ('edp', null, 'E.D.P.'), ('edp', 'en', 'Eau de Perfume'), ('edp', 'en', 'Eau de Parfume'),
  ('edp', 'fr', 'Eau du Parfum'), ('edp', 'es', 'Agua de Perfume'), ('edp', 'it', 'Acqua di Profumo'),
  ('edt', 'fr', 'Eau de Toilette'), ('edt', null, 'EdT'), ('edt', null, 'E.D.T.'), ('edt', 'en', 'Eau de Toilet'), ('edt', 'en', 'Eau de Toillette'),
  ('edt', 'es', 'Agua de Tocador'), ('edt', 'it', 'Acqua di Toilette'),
  ('edc', 'fr', 'Eau de Cologne'), ('edc', null, 'EdC'), ('edc', null, 'E.D.C.'), ('edc', 'es', 'Agua de Colonia'), ('edc', 'it', 'Acqua di Colonia'),
  ('edc', 'de', 'Kölnisch Wasser'),
  ('eau_fraiche', 'fr', 'Eau Fraîche'),
  ('body_mist', 'en', 'Body Mist'), ('body_mist', 'en', 'Fragrance Mist'), ('body_mist', 'en', 'Fine Fragrance Mist'),
  ('body_mist', 'en', 'Body Spray'), ('body_mist', 'fr', 'Brume Parfumée'), ('body_mist', 'fr', 'Brume pour le Corps'),
  ('body_mist', 'de', 'Körperspray'),
  ('perfume_oil', 'en', 'Perfume Oil'), ('perfume_oil', 'en', 'Parfum Oil'), ('perfume_oil', 'en', 'Fragrance Oil'),
  ('perfume_oil', 'fr', 'Huile de Parfum'), ('perfume_oil', 'de', 'Parfumöl'),
  ('hair_mist', 'en', 'Hair Mist'), ('hair_mist', 'en', 'Hair Perfume'), ('hair_mist', 'fr', 'Parfum Cheveux'),
  ('hair_mist', 'fr', 'Brume pour les Cheveux'), ('hair_mist', 'de', 'Haarparfum'), ('hair_mist', 'de', 'Haarspray Parfum')
) as w (concentration, language, phrase)
on conflict (phrase_normalized) do nothing;

-- Genre words: "Cologne for Men" says the genre, not the concentration; "Cologne" alone names one.
insert into public.name_vocabulary (kind, language, phrase, concentration)
select 'genre', language, phrase, concentration::public.concentration from (values
  ('en', 'Cologne', 'cologne'), ('en', 'Perfume', null), ('en', 'Perfumes', null), ('en', 'Fragrance', null),
  ('en', 'Fragrances', null), ('en', 'Scent', null), ('en', 'Aftershave', null), ('de', 'Duft', null),
  ('de', 'Parfüm', null), ('it', 'Profumo', null),
  ('es', 'Colonia', null), ('es', 'Fragancia', null), ('it', 'Fragranza', null), ('fr', 'Senteur', null),
  ('nl', 'Geur', null)
) as w (language, phrase, concentration)
on conflict (phrase_normalized) do nothing;

insert into public.name_vocabulary (kind, language, phrase, packaging)
select 'packaging', language, phrase, packaging::public.packaging from (values
  ('tester', 'en', 'Tester'), ('tester', 'en', 'Tstr'), ('tester', 'fr', 'Testeur'), ('tester', 'en', 'Demo'),
  ('tester', 'en', 'Tester Box'),
  ('unboxed', 'en', 'Unboxed'), ('unboxed', 'en', 'No Box'), ('unboxed', 'en', 'Without Box'), ('unboxed', 'en', 'W/o Box'),
  ('unboxed', 'en', 'No Packaging'), ('unboxed', 'en', 'Without Packaging'), ('unboxed', 'de', 'ohne Verpackung'),
  ('unboxed', 'de', 'ohne OVP'), ('unboxed', 'de', 'ohne Karton'), ('unboxed', 'de', 'ohne Umverpackung'),
  ('unboxed', 'fr', 'sans Boîte'), ('unboxed', 'fr', 'sans Emballage'), ('unboxed', 'fr', 'sans Étui'),
  ('unboxed', 'it', 'senza Scatola'), ('unboxed', 'it', 'senza Confezione'), ('unboxed', 'es', 'sin Caja'),
  ('unboxed', 'es', 'sin Estuche'), ('unboxed', 'nl', 'zonder Doos'), ('unboxed', 'nl', 'zonder Verpakking'),
  ('refill', 'en', 'Refill'), ('refill', 'en', 'Refills'), ('refill', 'en', 'Eco Refill'), ('refill', 'en', 'Refill Bottle'),
  ('refill', 'fr', 'Recharge'), ('refill', 'de', 'Nachfüllung'), ('refill', 'de', 'Nachfüllflakon'),
  ('refill', 'de', 'Nachfüllpack'), ('refill', 'de', 'Nachfüller'), ('refill', 'it', 'Ricarica'), ('refill', 'es', 'Recarga'),
  ('refill', 'es', 'Recambio'), ('refill', 'nl', 'Navulling'), ('refill', 'nl', 'Navulverpakking'),
  ('travel', 'en', 'Travel Spray'), ('travel', 'en', 'Travel Size'), ('travel', 'en', 'Travel'), ('travel', 'en', 'Mini'),
  ('travel', 'en', 'Miniature'), ('travel', 'en', 'Minature'), ('travel', 'en', 'Purse Spray'), ('travel', 'en', 'Pocket Spray'),
  ('travel', 'en', 'Purse Size'), ('travel', 'en', 'Twist and Spray'), ('travel', 'de', 'Miniatur'), ('travel', 'de', 'Reisegröße'), ('travel', 'de', 'Reisespray'),
  ('travel', 'de', 'Reiseformat'), ('travel', 'fr', 'Format Voyage'), ('travel', 'fr', 'Taille Voyage'),
  ('travel', 'fr', 'Vaporisateur de Voyage'), ('travel', 'fr', 'Vaporisateur de Sac'), ('travel', 'it', 'Miniatura'),
  ('travel', 'it', 'Formato Viaggio'), ('travel', 'es', 'Tamaño Viaje'), ('travel', 'es', 'Tamaño de Viaje'),
  ('travel', 'nl', 'Miniatuur'), ('travel', 'nl', 'Reisformaat'), ('travel', 'nl', 'Reisverstuiver'),
  ('sample', 'en', 'Sample'), ('sample', 'en', 'Samples'), ('sample', 'en', 'Vial'), ('sample', 'en', 'Vials'),
  ('sample', 'en', 'Decant'), ('sample', 'en', 'Sample Vial'), ('sample', 'en', 'Spray Sample'), ('sample', 'de', 'Probe'),
  ('sample', 'de', 'Pröbchen'), ('sample', 'de', 'Duftprobe'), ('sample', 'de', 'Abfüllung'), ('sample', 'fr', 'Échantillon'),
  ('sample', 'fr', 'Échantillons'), ('sample', 'it', 'Campione'), ('sample', 'it', 'Campioncino'), ('sample', 'es', 'Muestra'),
  ('sample', 'nl', 'Proefje'), ('sample', 'nl', 'Monster'), ('sample', 'nl', 'Sample Flesje'),
  ('gift_set', 'en', 'Gift Set'), ('gift_set', 'en', 'Giftset'), ('gift_set', 'en', 'Set'), ('gift_set', 'en', 'Gift Box'),
  ('gift_set', 'en', 'Kit'), ('gift_set', 'fr', 'Coffret'), ('gift_set', 'fr', 'Coffret Cadeau'),
  ('gift_set', 'de', 'Geschenkset'), ('gift_set', 'de', 'Duftset'), ('gift_set', 'de', 'Geschenkpackung'),
  ('gift_set', 'de', 'Geschenkbox'), ('gift_set', 'it', 'Confezione Regalo'), ('gift_set', 'it', 'Cofanetto'),
  ('gift_set', 'it', 'Set Regalo'), ('gift_set', 'es', 'Estuche'), ('gift_set', 'es', 'Set de Regalo'),
  ('gift_set', 'es', 'Estuche de Regalo'), ('gift_set', 'nl', 'Cadeauset'), ('gift_set', 'nl', 'Geschenkverpakking')
) as w (packaging, language, phrase)
on conflict (phrase_normalized) do nothing;

insert into public.name_vocabulary (kind, language, phrase, gender)
select 'gender', language, phrase, gender::public.gender from (values
  ('masculine', 'en', 'for Men'), ('masculine', 'en', 'Men'), ('masculine', 'en', 'Mens'), ('masculine', 'en', 'Men''s'),
  ('masculine', 'en', 'for Him'), ('masculine', 'en', 'Man'), ('masculine', 'en', 'for Man'),
  ('masculine', 'fr', 'pour Homme'), ('masculine', 'fr', 'Homme'), ('masculine', 'fr', 'Masculin'),
  ('masculine', 'it', 'Uomo'), ('masculine', 'it', 'per Uomo'), ('masculine', 'it', 'per Lui'), ('masculine', 'it', 'Maschile'),
  ('masculine', 'de', 'Herren'), ('masculine', 'de', 'für Herren'), ('masculine', 'de', 'für Ihn'), ('masculine', 'de', 'Herrenduft'),
  ('masculine', 'de', 'Männer'), ('masculine', 'es', 'Hombre'), ('masculine', 'es', 'para Hombre'), ('masculine', 'es', 'Masculino'),
  ('masculine', 'nl', 'Heren'), ('masculine', 'nl', 'voor Heren'), ('masculine', 'nl', 'voor Mannen'),
  ('masculine', 'nl', 'Herenparfum'), ('masculine', 'nl', 'Herengeur'), ('masculine', 'de', 'Herrenparfum'),
  ('feminine', 'en', 'for Women'), ('feminine', 'en', 'Women'), ('feminine', 'en', 'Womens'), ('feminine', 'en', 'Women''s'),
  ('feminine', 'en', 'Woman'), ('feminine', 'en', 'for Woman'), ('feminine', 'en', 'for Her'), ('feminine', 'en', 'Ladies'),
  ('feminine', 'fr', 'pour Femme'), ('feminine', 'fr', 'Femme'), ('feminine', 'fr', 'Féminin'),
  ('feminine', 'it', 'Donna'), ('feminine', 'it', 'per Donna'), ('feminine', 'it', 'per Lei'), ('feminine', 'it', 'Femminile'),
  ('feminine', 'de', 'Damen'), ('feminine', 'de', 'für Damen'), ('feminine', 'de', 'für Sie'), ('feminine', 'de', 'Damenduft'),
  ('feminine', 'de', 'Frauen'), ('feminine', 'es', 'Mujer'), ('feminine', 'es', 'para Mujer'), ('feminine', 'es', 'Femenino'),
  ('feminine', 'nl', 'Dames'), ('feminine', 'nl', 'voor Dames'), ('feminine', 'nl', 'voor Vrouwen'),
  ('feminine', 'nl', 'Damesparfum'), ('feminine', 'nl', 'Damesgeur'), ('feminine', 'de', 'Damenparfum'),
  ('unisex', null, 'Unisex'), ('unisex', 'en', 'for Men and Women'), ('unisex', 'en', 'for Women and Men'),
  ('unisex', 'en', 'Men and Women'), ('unisex', 'en', 'Women and Men'), ('unisex', 'en', 'Men & Women'),
  ('unisex', 'fr', 'Mixte'), ('unisex', 'de', 'Damen und Herren'), ('unisex', 'de', 'Damen & Herren')
) as w (gender, language, phrase)
on conflict (phrase_normalized) do nothing;

insert into public.name_vocabulary (kind, language, phrase)
select kind::public.name_word_kind, language, phrase from (values
  ('edition', 'en', 'Travel Exclusive'), ('edition', 'en', 'Travel Retail Exclusive'), ('edition', 'en', 'Travel Retail'),
  ('edition', 'en', 'Travel Edition'), ('edition', 'en', 'Duty Free'), ('edition', 'en', 'Limited Edition'),
  ('edition', 'en', 'Ltd Edition'), ('edition', 'en', 'Collector Edition'), ('edition', 'en', 'Collectors Edition'),
  ('edition', 'en', 'Collector''s Edition'), ('edition', 'en', 'Holiday Edition'), ('edition', 'en', 'Christmas Edition'),
  ('edition', 'en', 'Special Edition'), ('edition', 'en', 'Exclusive Edition'), ('edition', 'en', 'Exclusive'),
  ('edition', 'fr', 'Édition Limitée'), ('edition', 'fr', 'Édition Collector'), ('edition', 'it', 'Edizione Limitata'),
  ('edition', 'es', 'Edición Limitada'), ('edition', 'de', 'Limitierte Edition'), ('edition', 'nl', 'Gelimiteerde Editie'),
  ('edition', 'en', 'Private Blend'), ('edition', 'fr', 'Les Exclusifs'), ('edition', 'fr', 'Les Exclusifs de Chanel'),
  ('edition', 'fr', 'Collection Privée'), ('edition', 'fr', 'La Collection Privée'), ('edition', 'en', 'Signature Collection'),
  ('component', 'en', 'Body Lotion'), ('component', 'en', 'Shower Gel'), ('component', 'en', 'Bath and Shower Gel'),
  ('component', 'en', 'Body Wash'), ('component', 'en', 'Deodorant'), ('component', 'en', 'Deodorant Stick'),
  ('component', 'en', 'Deo'), ('component', 'en', 'Deo Stick'), ('component', 'en', 'After Shave Balm'),
  ('component', 'en', 'Aftershave Balm'), ('component', 'en', 'After Shave Lotion'), ('component', 'en', 'Body Cream'),
  ('component', 'en', 'Body Milk'), ('component', 'en', 'Hand Cream'), ('component', 'en', 'Shampoo'), ('component', 'en', 'Soap'),
  ('component', 'en', 'Body Oil'), ('component', 'en', 'Pouch'), ('component', 'en', 'Lotion'), ('component', 'en', 'Gel'),
  ('component', 'en', 'Balm'), ('component', 'de', 'Duschgel'), ('component', 'de', 'Körperlotion'),
  ('component', 'de', 'Bodylotion'), ('component', 'de', 'Deospray'), ('component', 'de', 'Körpercreme'),
  ('component', 'fr', 'Lait pour le Corps'), ('component', 'fr', 'Lait Corps'), ('component', 'fr', 'Gel Douche'),
  ('component', 'fr', 'Baume Après-Rasage'), ('component', 'fr', 'Déodorant'), ('component', 'it', 'Bagnoschiuma'),
  ('component', 'it', 'Latte Corpo'), ('component', 'it', 'Gel Doccia'), ('component', 'es', 'Gel de Ducha'),
  ('component', 'es', 'Loción Corporal'), ('component', 'nl', 'Douchegel'), ('component', 'nl', 'Bodylotion Gel'),
  ('number', 'en', 'No'), ('number', 'en', 'Number'), ('number', 'de', 'Nr'), ('number', 'de', 'Nummer'),
  ('number', 'fr', 'Numéro'), ('number', 'en', 'N'),
  ('filler', 'en', 'Spray'), ('filler', 'en', 'Natural Spray'), ('filler', 'en', 'Spray Natural'), ('filler', 'en', 'Atomizer'),
  ('filler', 'en', 'Atomiser'), ('filler', 'fr', 'Vaporisateur'), ('filler', 'fr', 'Vapo'), ('filler', 'fr', 'Vaporisateur Naturel'),
  ('filler', 'es', 'Vaporizador'), ('filler', 'it', 'Vaporizzatore'), ('filler', 'de', 'Zerstäuber'), ('filler', 'de', 'Sprühflasche'),
  ('filler', 'nl', 'Verstuiver'), ('filler', 'en', 'Ounce'), ('filler', 'en', 'Ounces'), ('filler', 'en', 'Oz'),
  ('filler', 'en', 'Fl'), ('filler', 'en', 'Fl Oz'), ('filler', 'en', 'Ml'), ('filler', 'en', 'New'), ('filler', 'en', 'Brand New'),
  ('filler', 'en', 'Sealed'), ('filler', 'en', 'New in Box'), ('filler', 'en', 'NIB'), ('filler', 'en', 'New & Sealed'),
  ('filler', 'en', 'New Sealed'), ('filler', 'en', 'Factory Sealed'), ('filler', 'en', 'Authentic'), ('filler', 'en', '100% Authentic'),
  ('filler', 'en', 'Genuine'), ('filler', 'en', 'Free Shipping'), ('filler', 'en', 'Fast Shipping'),
  ('filler', 'en', 'Box'), ('filler', 'en', 'In Box'), ('filler', 'en', 'With Box'), ('filler', 'en', 'With Cap'),
  ('filler', 'en', 'Without Cap'), ('filler', 'en', 'No Cap'), ('filler', 'en', 'Refillable'), ('filler', 'en', 'Bottle'),
  ('filler', 'en', 'Full Size'), ('filler', 'en', 'Damaged Box'), ('filler', 'fr', 'Rechargeable'), ('filler', 'fr', 'Flacon'),
  ('filler', 'fr', 'Neuf'), ('filler', 'fr', 'Flacon Vaporisateur'), ('filler', 'de', 'Nachfüllbar'), ('filler', 'de', 'Flakon'),
  ('filler', 'de', 'Flasche'), ('filler', 'de', 'Neu'), ('filler', 'de', 'OVP'), ('filler', 'de', 'Originalverpackt'),
  ('filler', 'de', 'Versiegelt'), ('filler', 'de', 'Neu und OVP'), ('filler', 'it', 'Ricaricabile'), ('filler', 'it', 'Nuovo'),
  ('filler', 'it', 'Flacone'), ('filler', 'es', 'Recargable'), ('filler', 'es', 'Nuevo'), ('filler', 'es', 'Frasco'),
  ('filler', 'nl', 'Navulbaar'), ('filler', 'nl', 'Nieuw'), ('filler', 'nl', 'Flesje'), ('filler', 'en', 'by')
) as w (kind, language, phrase)
on conflict (phrase_normalized) do nothing;

-- Polish, Portuguese, Czech, Slovak, Romanian, Swedish and Danish shops, and French titles that write the
-- concentration with its article ("L'Eau de Parfum").
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
