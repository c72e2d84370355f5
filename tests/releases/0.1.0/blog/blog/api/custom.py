"""Your own routes. persistgen created this file once and never touches it again."""

from fastapi import APIRouter

router = APIRouter()
