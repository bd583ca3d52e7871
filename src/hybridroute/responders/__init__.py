"""Responders write automated answers: templates, or any function you wrap."""

from hybridroute.responders.base import Disclosure, Responder
from hybridroute.responders.callable import CallableResponder
from hybridroute.responders.template import TemplateResponder

__all__ = ["CallableResponder", "Disclosure", "Responder", "TemplateResponder"]
