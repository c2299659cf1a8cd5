"""``infractl deploy ENV``: preflight, build, push, render, check, apply, wait, smoke."""
