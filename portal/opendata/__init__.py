"""Open data: a community's projects, cycles, categories, results, implementation and
financing as datasets (CSV and JSON at stable addresses under ``/data/``), the catalogue
page that describes them, and its DCAT metadata for data.gov.ua (``dcat.py``).

``datasets.py`` says what each dataset is (its columns, with meaning and unit);
``builders.py`` reads its rows from the records, only what the site shows anyone;
``writers.py`` writes rows as CSV and JSON; ``views.py`` serves them. The API
(``portal.api``) serves the same rows.
"""
