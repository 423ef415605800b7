"""Sign-in diagnostics: "why did this sign-in fail?" answered from the audit log.

- explain.py: pure. An attempt's audit event (its code and policy trace) and the facts of now
  in, an Explanation out: each policy step in words with the values it used, the one that
  decided, what changed since, who can fix it, the fixes. readings.py (each step's sentence)
  and verdicts.py (the refusing policy's "now" and fixes) hold the per-policy parts.
- fixes.py: the fixes an admin can take (add the IP, clear a lock, end sessions, raise a
  limit, enable the account, reset two-step verification) and applying them.
- service.py: reads the attempts and the facts from the stores; applies a chosen fix.
- report.py: a diagnosis as JSON and as text, for the API and the CLI.
- troubleshooter.py: the guided "Problem signing in?" questions, leading to a help topic.
- words.py: the sentences (English msgids, translated by the Babel catalog).
"""

from monban.diagnostics.explain import Explanation, Facts, explain, member_reason
from monban.diagnostics.fixes import Fix
from monban.diagnostics.service import Attempt, Diagnostics, Query, Report

__all__ = ["Attempt", "Diagnostics", "Explanation", "Facts", "Fix", "Query", "Report",
           "explain", "member_reason"]
