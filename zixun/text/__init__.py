"""Chinese text: normalisation, the one tokenizer, keywords, entities and snippets. No I/O here."""
