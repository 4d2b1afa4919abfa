"""What can happen in audits: its writes, one module per concept (issue 17 part 3).

- `sampling_audits`: sampling audits (AU-2, AU-3): open, review items, close data
  corrections, finalise with the memo. The sample arithmetic is `audits.sampling`.
- `reports`: the annual report (AU-4): the Coordinator asks for it, a task generates and
  stores it. Its figures and renderings are reads, in `audits.report`.
- `report_contents`: the O.M.C. 9.64 sections the Coordinator enters (AU-6): start a
  year pre-filled from the system's counts, edit, finalise (no required section empty),
  reopen. The section rules and tables are reads, in `audits.report_sections`.
- `breaches`: the breach workflow (BR-1, Civil Code 1798.82): report, contain, notify,
  follow up, close. The deadlines are `audits.breach_deadlines`.
- `digests`: publishing the access log's signed daily digest. The export and the digest
  checks are reads, in `audits.log_export`.

Nothing is re-exported here: import the concept's module (`from audits.services.reports
import annual_report_request`), so a reader finds the code where the import says.
"""
