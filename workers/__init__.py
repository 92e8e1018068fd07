"""dramatiq actors: fetch → extract → detect → record → tickets."""
