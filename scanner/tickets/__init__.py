"""Rectification tickets (整改工单): state machine (:mod:`.states`), SLA clocks with Chinese working days
(:mod:`.sla`), database operations and escalation (:mod:`.service`), alerts (:mod:`.notify`) and the
ledger export (:mod:`.ledger`)."""
