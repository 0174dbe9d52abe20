"""The STAR story bank: a candidate's own stories, linted, compiled into a deck and rehearsed."""
