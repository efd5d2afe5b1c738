// placeholder until the Ephemeris module lands
