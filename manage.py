#!/usr/bin/env python
from gonghui.manage import main

if __name__ == "__main__":
    main()
