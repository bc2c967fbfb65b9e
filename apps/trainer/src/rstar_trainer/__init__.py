"""rStar-Math's between-rounds trainer for rstar-fleet (SFT policy, PPM, the train hook)."""

__version__ = "0.1.0"
