"""Global node ids: base64 of "Type:external id", opaque to clients as Relay expects."""

from __future__ import annotations

import base64
import binascii

from resolvers.errors import bad_input

NODE_TYPES = ("Account", "Company", "Contract", "Industry")


def encode_global_id(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def decode_global_id(global_id: str) -> tuple[str, str]:
    try:
        text = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    type_name, _, key = text.partition(":")
    if type_name not in NODE_TYPES or not key:
        raise bad_input(
            f"Invalid node id {global_id!r}: "
            "use the `id` of an Account, Company, Contract or Industry"
        )
    return type_name, key
