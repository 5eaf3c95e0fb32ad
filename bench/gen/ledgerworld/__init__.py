"""ledgerworld: a synthetic bank ledger with laundering ground truth.

Written independently of crackdown's own generator and analyses so that mule scoring and
typology detection can be judged on books their authors did not write. The entry point is
`bench/gen/ledger_world.py`; the modules here are its parts:

  money       currencies, minor units, exchange rates, reporting thresholds
  world       accounts, the clock, and the one `pay` that records a transfer
  population  who banks here: persons, businesses, counterparties at other banks
  normal      the rhythms of legitimate life, including the look-alikes of laundering
  scams       pig-butchering and retail-scam mule networks
  typologies  laundering shapes (fan-in ... stack, peel chains, structuring)
  output      settling balances, trimming to the requested size, writing files and truth
"""
