"""Tasks and days: filters, urgency, the agenda and upcoming days, daily notes, focus time, time blocks, wellbeing, Taskwarrior."""
