"""chainshock.viz"""
