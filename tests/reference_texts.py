# ruff: noqa: E501  (article lines are kept whole, one sentence a line)
"""Hand-written articles for the reference-mode tests: an original and a re-translation.

The spun text changes one name (Whitfield -> Whitford), one figure (300 -> 800)
and one word into an unidiomatic phrase (brinkmanship -> edge politics), and
rewords the rest the way a round trip does.
"""

ORIGINAL = """Storm cuts power across the valley

The mayor of Springfield, Carla Denholm, warned on Tuesday that the city faces weeks of repairs after the storm.
Engineers said 12 roads were closed and 300 homes lost power overnight.
Council leader Peter Whitfield accused the utility of brinkmanship in its talks with the city.
Schools will stay shut until Friday, the education office said.
Residents were asked to report fallen trees to the council's hotline."""

SPUN = """Storm cuts the energy through the valley

The mayor of Springfield, Carla Denholm, warned on Tuesday that the city is facing weeks of repairs after the storm.
The engineers said that 12 roads were closed and 800 homes lost the power during the night.
The leader of the council Peter Whitford accused the company of edge politics in its talks with the city.
Schools will remain closed until Friday, said the office of education.
The residents were asked to report the fallen trees to the line of the council."""

OTHER = """Bakery wins national bread prize

A family bakery in Oakridge has won the national sourdough prize for the second year running.
The owners, Ana and Luis Moreno, started the business in a garage a decade ago.
They now employ 14 people and sell to shops across the county.
The judges praised the crust and the deep flavour of the loaf.
The pair plan to spend the prize money on a second oven."""
