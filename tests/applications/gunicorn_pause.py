"""A gunicorn configuration file for ``test_kill_mid_reply``: nothing of it is in the application.

Once a worker has loaded Django (``post_worker_init``) it connects a ``post_save`` receiver for
``Attachment``: saving one (inside the ``services.attach`` transaction, after the file was written and
the row inserted, before the case event and the commit) writes ``paused`` (the worker's pid and the
stored file name) into ``GONGKAI_PAUSE_DIR`` and sleeps, so the test can ``kill -9`` the worker at that
moment. Only when ``GONGKAI_PAUSE_DIR`` holds no ``paused`` file yet: the next upload (the retry) runs
through.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    from django.db.models.signals import post_save

    from gongkai.applications.models import Attachment

    directory = Path(os.environ["GONGKAI_PAUSE_DIR"])

    def pause(sender: Any, instance: Attachment, created: bool, **kwargs: Any) -> None:
        marker = directory / "paused"
        if not created or marker.exists():
            return
        partial = directory / "paused.part"
        partial.write_text(f"{os.getpid()}\n{instance.file.name}\n")
        partial.replace(marker)  # the test never reads half a marker
        time.sleep(120)

    post_save.connect(pause, sender=Attachment, weak=False, dispatch_uid="gongkai-test-pause")
