"""chainshock.queries"""
