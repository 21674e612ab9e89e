"""Medical facilities and what they send: the hospital intake (signed requests, versions,
corrections), the checks of a family's declaration against it, and the registry of facilities."""
