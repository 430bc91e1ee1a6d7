"""File formats srm reads and writes (vCard, CSV, iCalendar, srm JSON), over plain dicts."""
