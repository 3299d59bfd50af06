// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {RouterFixture} from "../utils/RouterFixture.sol";

contract SmokeTest is RouterFixture {
    function setUp() public {
        _deployDefault();
    }

    function test_smoke() public {
        _curatedOperator(curated, 3);
        _bondedOperator(2);
        _fund(4);
        uint256 d = _depositAll(4);
        assertEq(d, 4, "deposited");
    }
}
