"""What can happen in training: its writes, one module per concept (issue 17 part 3).

- `records`: the Training Section records one completed training (TR-2).
- `imports`: TR-2 training records imported from a learning-management system's CSV
  export, all rows or none.

Whether a member's training is current (the gate's question) is a read:
`training.selectors`.

Nothing is re-exported here: import the concept's module (`from training.services.records
import training_record_create`), so a reader finds the code where the import says.
"""
