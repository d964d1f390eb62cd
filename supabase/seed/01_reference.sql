-- Brands, aliases, perfumers, note families and notes, accords.

insert into public.brands (slug, name, country, website) values
  ('dior', 'Dior', 'FR', 'https://www.dior.com'),
  ('chanel', 'Chanel', 'FR', 'https://www.chanel.com'),
  ('creed', 'Creed', 'GB', 'https://www.creedfragrances.com'),
  ('tom-ford', 'Tom Ford', 'US', 'https://www.tomford.com'),
  ('yves-saint-laurent', 'Yves Saint Laurent', 'FR', 'https://www.yslbeauty.com'),
  ('giorgio-armani', 'Giorgio Armani', 'IT', 'https://www.armanibeauty.com'),
  ('dolce-gabbana', 'Dolce & Gabbana', 'IT', 'https://www.dolcegabbana.com'),
  ('montblanc', 'Montblanc', 'DE', 'https://www.montblanc.com'),
  ('paco-rabanne', 'Paco Rabanne', 'ES', 'https://www.pacorabanne.com'),
  ('jean-paul-gaultier', 'Jean Paul Gaultier', 'FR', 'https://www.jeanpaulgaultier.com'),
  ('versace', 'Versace', 'IT', 'https://www.versace.com'),
  ('prada', 'Prada', 'IT', 'https://www.prada-beauty.com'),
  ('hermes', 'Hermès', 'FR', 'https://www.hermes.com'),
  ('guerlain', 'Guerlain', 'FR', 'https://www.guerlain.com'),
  ('lancome', 'Lancôme', 'FR', 'https://www.lancome.com'),
  ('maison-francis-kurkdjian', 'Maison Francis Kurkdjian', 'FR', 'https://www.franciskurkdjian.com'),
  ('le-labo', 'Le Labo', 'US', 'https://www.lelabofragrances.com'),
  ('byredo', 'Byredo', 'SE', 'https://www.byredo.com'),
  ('diptyque', 'Diptyque', 'FR', 'https://www.diptyqueparis.com'),
  ('jo-malone', 'Jo Malone London', 'GB', 'https://www.jomalone.com'),
  ('viktor-rolf', 'Viktor&Rolf', 'NL', 'https://www.viktor-rolf.com'),
  ('carolina-herrera', 'Carolina Herrera', 'US', 'https://www.carolinaherrera.com'),
  ('givenchy', 'Givenchy', 'FR', 'https://www.givenchybeauty.com'),
  ('calvin-klein', 'Calvin Klein', 'US', 'https://www.calvinklein.com'),
  ('hugo-boss', 'Hugo Boss', 'DE', 'https://www.hugoboss.com'),
  ('burberry', 'Burberry', 'GB', 'https://www.burberry.com'),
  ('azzaro', 'Azzaro', 'FR', 'https://www.azzaro.com'),
  ('valentino', 'Valentino', 'IT', 'https://www.valentino-beauty.com'),
  ('mugler', 'Mugler', 'FR', 'https://www.mugler.com'),
  ('parfums-de-marly', 'Parfums de Marly', 'FR', 'https://www.parfums-de-marly.com'),
  ('maison-margiela', 'Maison Margiela', 'FR', 'https://www.maisonmargiela-fragrances.com'),
  ('narciso-rodriguez', 'Narciso Rodriguez', 'US', 'https://www.narcisorodriguez.com'),
  ('gucci', 'Gucci', 'IT', 'https://www.gucci.com'),
  ('kilian', 'Kilian Paris', 'FR', 'https://www.bykilian.com'),
  ('acqua-di-parma', 'Acqua di Parma', 'IT', 'https://www.acquadiparma.com'),
  ('bvlgari', 'Bvlgari', 'IT', 'https://www.bulgari.com'),
  ('issey-miyake', 'Issey Miyake', 'JP', 'https://www.isseymiyakeparfums.com'),
  ('davidoff', 'Davidoff', 'CH', 'https://www.davidoff.com'),
  ('ralph-lauren', 'Ralph Lauren', 'US', 'https://www.ralphlauren.com'),
  ('amouage', 'Amouage', 'OM', 'https://www.amouage.com'),
  ('frederic-malle', 'Frederic Malle', 'FR', 'https://www.fredericmalle.com'),
  ('escentric-molecules', 'Escentric Molecules', 'DE', 'https://www.escentric.com');

insert into public.brand_aliases (brand_id, alias)
select b.id, a.alias
from (values
  ('dior', 'Christian Dior'), ('dior', 'Parfums Christian Dior'),
  ('dolce-gabbana', 'D&G'),
  ('montblanc', 'Mont Blanc'),
  ('yves-saint-laurent', 'YSL'), ('yves-saint-laurent', 'Saint Laurent'),
  ('giorgio-armani', 'Armani'), ('giorgio-armani', 'Emporio Armani'),
  ('paco-rabanne', 'Rabanne'),
  ('jean-paul-gaultier', 'JPG'), ('jean-paul-gaultier', 'Gaultier'),
  ('maison-francis-kurkdjian', 'MFK'), ('maison-francis-kurkdjian', 'Francis Kurkdjian'),
  ('jo-malone', 'Jo Malone'),
 
  ('carolina-herrera', 'CH'),
  ('calvin-klein', 'CK'),
  ('hugo-boss', 'Boss'),
  ('mugler', 'Thierry Mugler'),
  ('kilian', 'By Kilian'), ('kilian', 'Kilian'),
  ('bvlgari', 'Bulgari'),
  ('frederic-malle', 'Editions de Parfums Frederic Malle'),
  ('maison-margiela', 'Margiela'),
  ('tom-ford', 'TF'),
  ('hermes', 'Hermes Paris'),
  ('viktor-rolf', 'V&R'),
  ('parfums-de-marly', 'PdM'), ('parfums-de-marly', 'de Marly'), ('parfums-de-marly', 'Parfum de Marly'),
  ('dolce-gabbana', 'Dolce Gabbana'), ('dolce-gabbana', 'DG'),
  ('jean-paul-gaultier', 'J.P. Gaultier'), ('jean-paul-gaultier', 'JP Gaultier'),
  ('creed', 'House of Creed'),
  ('maison-margiela', 'Maison Martin Margiela'),
  ('versace', 'Gianni Versace'),
  ('ralph-lauren', 'Polo Ralph Lauren'),
  ('lancome', 'Lancome Paris'), ('guerlain', 'Guerlain Paris'), ('chanel', 'Chanel Paris'),
  ('yves-saint-laurent', 'YSL Beauty'), ('yves-saint-laurent', 'Yves St Laurent'), ('jean-paul-gaultier', 'Jean Paul Gautier')
) as a (brand_slug, alias)
join public.brands b on b.slug = a.brand_slug;

-- Short names shops and shoppers use for fragrances (public.fragrance_name_aliases).
insert into public.fragrance_name_aliases (brand_id, alias, name)
select b.id, a.alias, a.name
from (values
  ('maison-francis-kurkdjian', 'BR540', 'Baccarat Rouge 540'), ('maison-francis-kurkdjian', 'Baccarat 540', 'Baccarat Rouge 540'),
  ('maison-francis-kurkdjian', 'Baccarat Rouge', 'Baccarat Rouge 540'),
  ('giorgio-armani', 'ADG', 'Acqua di Giò'),
  ('lancome', 'LVEB', 'La Vie Est Belle'),
  ('chanel', 'BDC', 'Bleu de Chanel'), ('chanel', 'Coco Mlle', 'Coco Mademoiselle'),
  ('calvin-klein', 'CK1', 'CK One'),
  ('jean-paul-gaultier', 'LMLP', 'Le Male Le Parfum'),
  ('tom-ford', 'Tobacco Vanilla', 'Tobacco Vanille'),
  ('paco-rabanne', 'One Million', '1 Million')
) as a (brand_slug, alias, name)
join public.brands b on b.slug = a.brand_slug;

insert into public.perfumers (slug, name) values
  ('francois-demachy', 'François Demachy'), ('olivier-polge', 'Olivier Polge'), ('jacques-polge', 'Jacques Polge'),
  ('alberto-morillas', 'Alberto Morillas'), ('dominique-ropion', 'Dominique Ropion'),
  ('francis-kurkdjian', 'Francis Kurkdjian'), ('olivier-cresp', 'Olivier Cresp'), ('quentin-bisch', 'Quentin Bisch'),
  ('daniela-andrier', 'Daniela Andrier'), ('christine-nagel', 'Christine Nagel'), ('jean-claude-ellena', 'Jean-Claude Ellena'),
  ('thierry-wasser', 'Thierry Wasser'), ('sophie-labbe', 'Sophie Labbé'), ('carlos-benaim', 'Carlos Benaïm'),
  ('anne-flipo', 'Anne Flipo'), ('nathalie-lorson', 'Nathalie Lorson'), ('aurelien-guichard', 'Aurélien Guichard'),
  ('annick-menardo', 'Annick Menardo'), ('calice-becker', 'Calice Becker'), ('antoine-maisondieu', 'Antoine Maisondieu'),
  ('jerome-epinette', 'Jérôme Epinette'), ('daphne-bugey', 'Daphné Bugey'), ('michel-almairac', 'Michel Almairac'),
  ('geza-schoen', 'Geza Schoen'), ('pierre-bourdon', 'Pierre Bourdon'), ('hamid-merati-kashani', 'Hamid Merati-Kashani'),
  ('jacques-cavallier', 'Jacques Cavallier'), ('loc-dong', 'Loc Dong'), ('carlos-vinals', 'Carlos Viñals'),
  ('ralf-schwieger', 'Ralf Schwieger');

insert into public.note_families (slug, name) values
  ('citrus', 'Citrus'), ('fruits', 'Fruits'), ('aromatics', 'Aromatics'), ('green', 'Green'), ('spices', 'Spices'),
  ('flowers', 'Flowers'), ('woods', 'Woods'), ('resins', 'Resins & Balsams'), ('musks', 'Musks & Animalics'),
  ('gourmand', 'Gourmand'), ('leather', 'Leather'), ('aquatic', 'Aquatic'), ('molecules', 'Molecules & Abstract');

-- Every note a pyramid uses, by family (02_fragrances.sql fails if a pyramid names one not listed here).
create temporary table seed_note_families (note text primary key, family text not null);
insert into seed_note_families (family, note)
select family, unnest(notes) from (values
  ('citrus', array['Bergamot', 'Lemon', 'Mandarin', 'Orange', 'Bitter Orange', 'Grapefruit', 'Lime', 'Yuzu', 'Petitgrain', 'Blood Orange', 'Citron', 'Calabrian Bergamot']),
  ('fruits', array['Apple', 'Pear', 'Blackcurrant', 'Pineapple', 'Peach', 'Raspberry', 'Plum', 'Lychee', 'Coconut', 'Melon', 'Fig', 'Cherry', 'Red Berries', 'Strawberry', 'Apricot', 'Quince', 'Rhubarb', 'Passionfruit', 'Black Cherry', 'Blackberry']),
  ('aromatics', array['Lavender', 'Rosemary', 'Sage', 'Clary Sage', 'Mint', 'Basil', 'Thyme', 'Geranium', 'Artemisia', 'Juniper', 'Cypriol', 'Tarragon', 'Sea Fennel']),
  ('green', array['Galbanum', 'Green Notes', 'Violet Leaf', 'Fig Leaf', 'Tea', 'Green Tea', 'Mate', 'Grass', 'Bamboo', 'Blackcurrant Bud', 'Ivy', 'Tomato Leaf']),
  ('spices', array['Black Pepper', 'Pink Pepper', 'Sichuan Pepper', 'Cardamom', 'Cinnamon', 'Nutmeg', 'Ginger', 'Saffron', 'Clove', 'Cumin', 'Star Anise', 'Coriander', 'Pepper', 'Chili Pepper', 'Caraway']),
  ('flowers', array['Rose', 'Bulgarian Rose', 'Turkish Rose', 'May Rose', 'Jasmine', 'Sambac Jasmine', 'Iris', 'Tuberose', 'Orange Blossom', 'Neroli', 'Ylang-Ylang', 'Violet', 'Lily of the Valley', 'Peony', 'Magnolia', 'Freesia', 'Gardenia', 'Mimosa', 'Heliotrope', 'Osmanthus', 'Lotus', 'Cyclamen', 'Honeysuckle', 'Frangipani', 'Water Lily', 'Lily', 'Carnation', 'Orchid', 'Jasmine Tea', 'Hyacinth', 'Narcissus', 'Cherry Blossom', 'Lilac']),
  ('woods', array['Cedar', 'Virginia Cedar', 'Atlas Cedar', 'Sandalwood', 'Vetiver', 'Haitian Vetiver', 'Patchouli', 'Oud', 'Guaiac Wood', 'Cashmere Wood', 'Birch', 'Oakmoss', 'Cypress', 'Papyrus', 'Akigalawood', 'Pine', 'Driftwood', 'Woody Notes', 'Rosewood', 'Moss', 'Oak', 'Teak', 'Agarwood']),
  ('resins', array['Amber', 'Labdanum', 'Benzoin', 'Incense', 'Olibanum', 'Myrrh', 'Tolu Balsam', 'Elemi', 'Styrax', 'Opoponax', 'Peru Balsam', 'Frankincense', 'Resins']),
  ('musks', array['Musk', 'White Musk', 'Ambrette', 'Castoreum', 'Ambergris', 'Civet', 'Skin Musk']),
  ('gourmand', array['Vanilla', 'Madagascar Vanilla', 'Bourbon Vanilla', 'Tonka Bean', 'Caramel', 'Praline', 'Coffee', 'Cocoa', 'Honey', 'Almond', 'Chestnut', 'Licorice', 'Rum', 'Cognac', 'Milk', 'Sugar', 'Chocolate', 'Marshmallow', 'Hazelnut', 'Pistachio', 'Cotton Candy', 'Bitter Almond']),
  ('leather', array['Leather', 'Suede', 'Tobacco', 'Tobacco Leaf', 'Birch Tar']),
  ('aquatic', array['Sea Notes', 'Marine Notes', 'Calone', 'Ozonic Notes', 'Salt', 'Seaweed', 'Water Notes', 'Sea Salt', 'Mineral Notes', 'Rain']),
  ('molecules', array['Ambroxan', 'Iso E Super', 'Cashmeran', 'Aldehydes', 'Hedione', 'Powdery Notes', 'Smoke', 'Metallic Notes', 'Ozone', 'Ambroxide', 'Cetalox', 'Ethyl Maltol', 'Javanol'])
) as f (family, notes);

insert into public.notes (family_id, slug, name)
select nf.id, replace(public.normalize_name(s.note), ' ', '-'), s.note
from seed_note_families s join public.note_families nf on nf.slug = s.family;

insert into public.accords (slug, name) values
  ('citrus', 'Citrus'), ('fresh-spicy', 'Fresh Spicy'), ('warm-spicy', 'Warm Spicy'), ('aromatic', 'Aromatic'),
  ('woody', 'Woody'), ('amber', 'Amber'), ('vanilla', 'Vanilla'), ('sweet', 'Sweet'), ('powdery', 'Powdery'),
  ('floral', 'Floral'), ('white-floral', 'White Floral'), ('rose', 'Rose'), ('fruity', 'Fruity'), ('fresh', 'Fresh'),
  ('aquatic', 'Aquatic'), ('marine', 'Marine'), ('green', 'Green'), ('leather', 'Leather'), ('smoky', 'Smoky'),
  ('oud', 'Oud'), ('musky', 'Musky'), ('earthy', 'Earthy'), ('balsamic', 'Balsamic'), ('lavender', 'Lavender'),
  ('iris', 'Iris'), ('tobacco', 'Tobacco'), ('animalic', 'Animalic'), ('aldehydic', 'Aldehydic'), ('coffee', 'Coffee'),
  ('honey', 'Honey'), ('mossy', 'Mossy'), ('tuberose', 'Tuberose'), ('patchouli', 'Patchouli'), ('ozonic', 'Ozonic'),
  ('cinnamon', 'Cinnamon'), ('soft-spicy', 'Soft Spicy'), ('yellow-floral', 'Yellow Floral'), ('mineral', 'Mineral'),
  ('salty', 'Salty'), ('tropical', 'Tropical'), ('caramel', 'Caramel'), ('almond', 'Almond'), ('cherry', 'Cherry'),
  ('herbal', 'Herbal'), ('metallic', 'Metallic'), ('rum', 'Rum'), ('coconut', 'Coconut'), ('tea', 'Tea');

-- Notes that are a kind of another (Calabrian Bergamot, Bulgarian Rose) under their parent.
select private.link_note_parents();
