"""`made_once`: a request object's attribute computed on first use and kept, without a lock.

functools.cached_property on Python 3.11 takes a lock on every first access: one lock per
attribute, shared by every instance of the class (Python 3.12 removed it as useless: it
serialized all instances, and did not make the computation happen once across threads). A
request's context and loaders are made and used by the one task that serves the request, on the
event loop's thread: the lock is pure cost there, about 0.9 us of every first access, and the
smallest query makes four of them (docs/performance.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class made_once(Generic[T]):
    """Like functools.cached_property (the value is kept in the instance's __dict__, which
    then answers every later access), without its lock."""

    def __init__(self, function: Callable[[Any], T]) -> None:
        self._function = function
        self._name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> made_once[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | made_once[T]:
        if instance is None:
            return self
        value = self._function(instance)
        instance.__dict__[self._name] = value
        return value
