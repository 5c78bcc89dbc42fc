"""The gateway's built-in plugins, one module per feature, each on the pipeline's hooks
(``hansa.pipeline``) exactly as a user's plugin would be. ``hansa.gateway.plugins`` picks the
ones a configuration turns on."""
