// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Test} from "forge-std/Test.sol";
import {WithdrawalRequestPredeploy} from "../../contracts/devnet/WithdrawalRequestPredeploy.sol";

contract WithdrawalRequestPredeployTest is Test {
    WithdrawalRequestPredeploy private p;

    function setUp() public {
        p = new WithdrawalRequestPredeploy();
    }

    /// @dev Regression: with a receive() the empty-calldata fee query reverted, so every
    /// WithdrawalVault.requestFullExits (and forceExit) failed on the devnet.
    function test_fallback_emptyCalldataReturnsFee() public view {
        (bool ok, bytes memory data) = address(p).staticcall("");
        assertTrue(ok, "fee query succeeds");
        assertEq(abi.decode(data, (uint256)), p.FEE(), "returns the fee");
    }

    function test_fallback_refusesPlainEth() public {
        vm.deal(address(this), 1 ether);
        (bool ok, bytes memory data) = address(p).call{value: 1}("");
        assertFalse(ok, "plain ETH refused");
        assertEq(
            data,
            abi.encodeWithSelector(WithdrawalRequestPredeploy.InvalidRequestLength.selector, 0),
            "error"
        );
    }

    function test_fallback_recordsRequest() public {
        vm.deal(address(this), 1 ether);
        bytes memory pk = new bytes(48);
        pk[0] = 0xaa;
        vm.expectEmit(address(p));
        emit WithdrawalRequestPredeploy.WithdrawalRequested(address(this), pk, 0, 1);
        (bool ok, ) = address(p).call{value: 1}(abi.encodePacked(pk, uint64(0)));
        assertTrue(ok, "request accepted");
        assertEq(p.requestCount(), 1, "counted");
    }

    function test_fallback_revertsOnFeeTooLow() public {
        (bool ok, bytes memory data) = address(p).call(abi.encodePacked(new bytes(48), uint64(0)));
        assertFalse(ok, "no fee");
        assertEq(data, abi.encodeWithSelector(WithdrawalRequestPredeploy.FeeTooLow.selector, 0, 1), "error");
        assertEq(p.requestCount(), 0, "nothing recorded");
    }
}
