"""chainshock.loaders"""
