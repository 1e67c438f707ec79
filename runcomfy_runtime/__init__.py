"""The hand-written runtime behind the generated ``runcomfy`` package.

Kept cheap to import: this module imports nothing; each piece loads where it is used.
"""
