"""Date and time formats per language (settings.FORMAT_MODULE_PATH), over Django's own."""
