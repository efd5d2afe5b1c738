// placeholder until the SiteSelection module lands
