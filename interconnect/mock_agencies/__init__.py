"""Mock police, social-insurance and labour services: a real HTTP service speaking the agency contract,
with knobs for latency and faults. Installed and mounted only by the demo settings."""
