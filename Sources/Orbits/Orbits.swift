// placeholder until the Orbits module lands
