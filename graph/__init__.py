"""chainshock.graph"""
