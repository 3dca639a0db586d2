"""The career: goal progress, skills and learning, spend, people, posts, the brag document and the weekly review."""
