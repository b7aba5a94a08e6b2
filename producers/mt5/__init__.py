"""MetaTrader 5 producers: report import, the terminal surface (:mod:`.api`), the paper terminal."""

from .paper import PaperTerminal

__all__ = ["PaperTerminal"]
