#!/usr/bin/env python
"""Django's command-line utility for Vanguard."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vanguard.settings")
    from django.core.management import execute_from_command_line

    if sys.argv[1:2] == ["db_worker"]:  # a long-running process, as the web workers
        from vanguard.core.runtime import tune_garbage_collector

        tune_garbage_collector()
    execute_from_command_line(sys.argv)
