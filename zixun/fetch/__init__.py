"""The one way out to the network: every outbound request goes through fetcher.Fetcher.

addresses  which addresses a fetch may connect to (every spelling of every refused range)
transport  resolve once, check the address, connect to it (DNS rebinding cannot swap it), a time budget
body       the response body decoded (gzip, deflate, brotli) in bounded steps
fetcher    schemes, redirects (each hop checked again), conditional GET, limits and errors
"""
