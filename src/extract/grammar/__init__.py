"""The grammar: what a figure is and what it says, from text alone.

Owns: ``sentences`` (a paragraph -> sentence spans), ``numerals`` (one numeral -> a number), ``quantity`` (every
figure in a string: value, unit, qualifier, change; and the rules for what is not a figure), ``labels`` (a
figure's subject, year and period, stance), ``taxonomy`` and ``taxonomy.yaml`` (metric ids, their names and
the classifier), ``gazetteer`` (every region of China by name and adcode, from cpca's table), ``tables`` (a
table of any format -> figures of its cells, and what its printed totals say adds up).

Imports: extract.model, extract.normalize, extract.config (and nothing else of the package).
"""
