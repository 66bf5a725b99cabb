"""chainshock.loaders.curated"""
