"""Projects (立项 → 验收): agreements, milestones, the horse race, extension, acceptance, termination."""
