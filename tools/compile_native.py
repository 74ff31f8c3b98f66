"""Compile the line breaker, its atoms and the clreq tables with mypyc, as one group (calls between them stay
native), into C extensions beside their sources: run from src/ by `make install` (see the Makefile)."""

from mypyc.build import mypycify
from setuptools import setup

MODULES = ["paperpress/linebreak/rules_zh.py", "paperpress/linebreak/atoms.py", "paperpress/linebreak/breaker.py"]

setup(name="paperpress-native", packages=[], script_args=["build_ext", "--inplace", "-q"],
      ext_modules=mypycify(["--config-file", "../pyproject.toml", *MODULES], group_name="paperpress.linebreak.native"))
