"""chainshock.loaders.edgar"""
