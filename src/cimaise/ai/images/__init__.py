"""Images made or edited with AI: their declaration, IPTC metadata, Content Credentials and public label."""
