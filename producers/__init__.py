"""Producers turn the outside world into journal events: telegram, llm, mt5, scanner, and demo.

Each producer translates one outside system (or, for ``demo``, a scripted synthetic day) into
catalogue events and writes them through the public store API; nothing else.
"""

__all__: list[str] = []
