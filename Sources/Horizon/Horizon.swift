// placeholder until the Horizon module lands
