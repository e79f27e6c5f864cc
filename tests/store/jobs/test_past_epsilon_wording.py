"""`--declare-past-epsilon` with a first publication: the month has no revision at all, and the
refusal says so, not that every revision recorded its epsilon."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from store.jobs.publish import PublishRefused, publish_month
from tests.store.jobs.publish_support import APRIL, TODAY, seed_retail_april


async def test_a_declaration_on_a_first_publication_says_there_is_no_revision(
    engine: AsyncEngine,
) -> None:
    await seed_retail_april(engine)
    with pytest.raises(PublishRefused) as refused:
        await publish_month(engine, month=APRIL, today=TODAY, min_cohort=5, past_epsilon=2.0)
    message = str(refused.value)
    assert "every revision" not in message
    assert "2023-04 has no revision published before the privacy accountant" in message
