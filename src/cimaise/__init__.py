"""Cimaise: the phygital platform for cultural institutions."""
