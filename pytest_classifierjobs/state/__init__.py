"""What the fake holds, one module per resource, with no HTTP in sight.

:mod:`.jobs` holds the jobs and moves them through their lifecycle; :mod:`.files` holds the
uploaded files, which jobs read at validation. Each store guards itself with one lock.
"""
