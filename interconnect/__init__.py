"""Delivery of bundle steps to the police, social insurance and labour agencies."""
