from extract.cli import console

console()
